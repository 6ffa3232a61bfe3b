// SPDX-License-Identifier: Apache-2.0
package io.vigil.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.policy.asset.AssetAction;
import io.vigil.policy.asset.AssetPattern;
import io.vigil.policy.asset.AssetProtectionPolicy;
import io.vigil.policy.asset.Budget;
import io.vigil.policy.asset.Cidr;
import io.vigil.policy.asset.EgressRule;
import io.vigil.policy.asset.FqdnPattern;
import io.vigil.policy.asset.Protocol;
import io.vigil.policy.asset.Reader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** AssetProtectionPolicy documents through PolicyLoader: the model built, and what is refused where. */
class AssetPolicyLoaderTest {

    private static final Path FILE = Path.of("assets.yaml");
    static final Path EXAMPLE = Path.of("examples/asset-protection.yaml");

    private static final String HEADER = """
            apiVersion: vigil.io/v1alpha1
            kind: AssetProtectionPolicy
            metadata:
              name: p
            spec:
            """;

    private static LoadResult load(String yaml) {
        return PolicyLoader.loadText(yaml, FILE);
    }

    private static SourceLocation at(Path file, int line, int column) {
        return new SourceLocation(file, line, column);
    }

    /** "line:column: message" of each error, for one-line assertions. */
    private static List<String> errors(String yaml) {
        LoadResult r = load(yaml);
        assertTrue(r.assetPolicies().isEmpty() && r.policies().isEmpty(), "a file with an error loads no policy");
        return r.errors().stream().map(e -> e.line() + ":" + e.column() + ": " + e.message()).toList();
    }

    @Test
    void theShippedExampleLoadsIntoTheExactModel() {
        LoadResult r = PolicyLoader.load(EXAMPLE);
        assertEquals(List.of(), r.errors());
        assertEquals(List.of(), r.warnings());
        assertEquals(List.of(), r.policies());
        AssetProtectionPolicy expected = new AssetProtectionPolicy("protect-llama-weights", at(EXAMPLE, 6, 1),
                List.of(new AssetPattern("/models/**", at(EXAMPLE, 12, 13)),
                        new AssetPattern("/srv/weights/**/*.safetensors", at(EXAMPLE, 13, 13))),
                List.of(new Reader("/usr/bin/python3.11", false, Optional.of("/system.slice/inference.service"))),
                List.of(EgressRule.toCidr(Cidr.parse("10.0.0.0/8"), Set.of(443, 8443), Protocol.TCP),
                        EgressRule.toFqdn(FqdnPattern.compile("*.openai.azure.com"), Set.of(443), Protocol.ANY)),
                new Budget(10L << 20, 1L << 20),
                AssetAction.DENY);
        assertEquals(List.of(expected), r.assetPolicies());
    }

    @Test
    void defaultsAreDenyNoBudgetNobodyReadsNothingLeaves() {
        LoadResult r = load(HEADER + "  assets: [{path: /m/**}]\n");
        assertEquals(List.of(), r.errors());
        AssetProtectionPolicy p = r.assetPolicies().get(0);
        assertEquals(AssetAction.DENY, p.action());
        assertEquals(Budget.NONE, p.budget());
        assertEquals(List.of(), p.readers());
        assertEquals(List.of(), p.egress());
    }

    @Test
    void prefixReadersAndFqdnNormalisationAndIpv6() {
        LoadResult r = load(HEADER + """
                  assets: [{path: /m/**}]
                  readers: [{binary: /opt/serve/}]
                  egress:
                  - fqdn: API.Example.COM.
                    protocol: UDP
                  - cidr: 2001:db8::1
                  action: Kill
                """);
        assertEquals(List.of(), r.errors());
        AssetProtectionPolicy p = r.assetPolicies().get(0);
        assertEquals(new Reader("/opt/serve/", true, Optional.empty()), p.readers().get(0));
        assertEquals(Optional.of("api.example.com"), p.egress().get(0).fqdn());
        assertEquals(Protocol.UDP, p.egress().get(0).protocol());
        assertEquals(Optional.of(Cidr.parse("2001:db8::1/128")), p.egress().get(1).cidr());
        assertEquals(AssetAction.KILL, p.action());
    }

    @Test
    void quantitiesArePlainOrWithDecimalOrBinarySuffixes() {
        assertEquals(new Budget(1_048_576, 0), budget("bytesPerProcess: 1048576"));
        assertEquals(new Budget(5_000, 2_000_000), budget("bytesPerProcess: 5K\n    bytesPerDestination: 2M"));
        assertEquals(new Budget(3_000_000_000L, 3L << 30), budget("bytesPerProcess: 3G\n    bytesPerDestination: 3Gi"));
        assertEquals(new Budget(1024, 0x10), budget("bytesPerProcess: 1Ki\n    bytesPerDestination: 0x10"));
        assertEquals(new Budget(0, 0), budget("bytesPerProcess: 0"));
    }

    private static Budget budget(String fields) {
        LoadResult r = load(HEADER + "  assets: [{path: /m/**}]\n  budget:\n    " + fields + "\n");
        assertEquals(List.of(), r.errors());
        return r.assetPolicies().get(0).budget();
    }

    @Test
    void hostBitsAreAWarningAndTheNetworkIsKept() {
        LoadResult r = load(HEADER + "  assets: [{path: /m/**}]\n  egress:\n  - cidr: 10.1.2.3/8\n");
        assertEquals(List.of(), r.errors());
        assertEquals("8:11: warning: cidr '10.1.2.3/8' has host bits set; read as 10.0.0.0/8",
                r.warnings().get(0).line() + ":" + r.warnings().get(0).column() + ": warning: " + r.warnings().get(0).message());
        assertEquals(Optional.of(Cidr.parse("10.0.0.0/8")), r.assetPolicies().get(0).egress().get(0).cidr());
    }

    @Test
    void bothKindsLoadFromOneFile() {
        LoadResult r = load("""
                apiVersion: cilium.io/v1alpha1
                kind: TracingPolicy
                metadata: {name: tp}
                spec:
                  kprobes: [{call: sys_openat, syscall: true}]
                ---
                """ + HEADER + "  assets: [{path: /m/**}]\n");
        assertEquals(List.of(), r.errors());
        assertEquals(1, r.policies().size());
        assertEquals(1, r.assetPolicies().size());
        assertEquals(2, r.policyCount());
    }

    @Test
    void namesAreUniqueAcrossKindsInOneFile() {
        assertEquals(List.of("11:9: policy name 'p' is already used at line 4; names must be unique in one load"),
                errors(HEADER + "  assets: [{path: /m/**}]\n" + """
                        ---
                        apiVersion: cilium.io/v1alpha1
                        kind: TracingPolicy
                        metadata:
                          name: p
                        spec:
                          kprobes: [{call: sys_openat, syscall: true}]
                        """));
    }

    @Test
    void namesAreUniqueAcrossKindsAndFiles(@TempDir Path dir) throws IOException {
        Path first = Files.writeString(dir.resolve("a.yaml"), """
                apiVersion: cilium.io/v1alpha1
                kind: TracingPolicy
                metadata:
                  name: p
                spec:
                  kprobes: [{call: sys_openat, syscall: true}]
                """);
        Path second = Files.writeString(dir.resolve("b.yaml"), HEADER + "  assets: [{path: /m/**}]\n");
        LoadResult r = PolicyLoader.loadDirectory(dir);
        assertEquals(1, r.policies().size());
        assertEquals(List.of(), r.assetPolicies());
        assertEquals(List.of(new PolicyError(second, 4, 9, "policy name 'p' is already used by " + first
                + ":4:9; names must be unique in one load")), r.errors());
    }

    @Test
    void validationCountsAssetPolicies() {
        ValidationReport report = PolicyValidation.validate(List.of(EXAMPLE));
        assertEquals("1 file: ok, 1 policy", report.text().strip());
    }
}
