package io.vigil.enforcement.asset;

/**
 * One answer record the parser keeps: an address (A, AAAA) or an alias (CNAME).
 *
 * @param address 4 or 16 bytes, or null for a CNAME
 * @param cname the alias target, or null for an address
 */
record DnsRecord(String owner, long ttlSeconds, byte[] address, String cname) {}
