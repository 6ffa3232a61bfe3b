package io.vigil.enforcement.asset;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** Text of a raw address for messages; getByAddress never asks DNS. */
final class AddressText {
    private AddressText() {}

    static String of(byte[] address) {
        try {
            return InetAddress.getByAddress(address).getHostAddress();
        } catch (UnknownHostException e) {
            return "(" + address.length + "-byte address)";
        }
    }
}
