// SPDX-License-Identifier: Apache-2.0
package io.vigil.policy.internal;

/**
 * Tetragon's limits on a policy, each with where Tetragon states it. Paths are in the cilium/tetragon
 * repository; "selectors.md" is docs/content/en/docs/concepts/tracing-policy/selectors.md. Where a limit
 * depends on the kernel, the value for kernels with large BPF programs (5.3 and later) is used: Vigil
 * needs 5.17.
 */
final class TetragonLimits {

    private TetragonLimits() {}

    /** selectors.md "Each hook can contain up to 5 selectors"; MaxSelectors in pkg/selectors. */
    static final int MAX_SELECTORS = 5;

    /**
     * matchArgs and matchData filters of one selector together: ParseMatchArgs in pkg/selectors/kernel.go,
     * "we support up 5 argument filters under matchArgs with kernels >= 5.3, otherwise 1".
     */
    static final int MAX_MATCH_ARGS = 5;

    /**
     * Values compared one by one in BPF: integer Equal/NotEqual, GT/LT, Mask, InRange/NotInRange.
     * writeMatchValues and writeMatchValuesRange in pkg/selectors/kernel.go ("maxMatchValues should match
     * MAX_MATCH_VALUES in bpf/process/types/basic.h"); selectors.md "Max MatchArg Values per MatchArgs 4".
     * String, prefix, postfix, address, port and map values are stored in BPF maps and are not bounded.
     */
    static final int MAX_MATCH_VALUES = 4;

    /** MAX_SELECTOR_VALUES in bpf/process/pfilter.h, per matchPIDs entry; selectors.md "Max PID values per selector 4". */
    static final int MAX_PID_VALUES = 4;

    /** namespaceSelectorValue in pkg/selectors/kernel.go: "matchNamespace supports up to 4 values per filter". */
    static final int MAX_NAMESPACE_VALUES = 4;

    /** ParseMatchNamespaces: 10 filters with large programs ("should match the value of ns_max_types"). */
    static final int MAX_NAMESPACE_FILTERS = 10;

    /** ParseMatchNamespaceChanges: "matchNamespaceChanges supports only a single filter". */
    static final int MAX_NAMESPACE_CHANGES_FILTERS = 1;

    /** ParseMatchBinaries: "only support a single matchBinaries per selector" (matchParentBinaries too). */
    static final int MAX_MATCH_BINARIES = 1;

    /** selectors.md: "The number of matchBinaries sections with followChildren: true cannot exceed 64." */
    static final int MAX_FOLLOW_CHILDREN = 64;

    /** ParseMatchActions: "only 3 actions are support for selector". */
    static final int MAX_ACTIONS = 3;

    /** writePrefix: StringPrefixMaxLength; selectors.md "String prefix max length: 256 chars". */
    static final int MAX_PREFIX_BYTES = 256;

    /**
     * writePostfix: "we will not be able to match a postfix longer than 127 characters"
     * (STRING_POSTFIX_MAX_LENGTH 128 in pkg/api/processapi; selectors.md rounds it to 128).
     */
    static final int MAX_POSTFIX_BYTES = 127;

    /** ParseMatchBinary, In/NotIn: "Binary names > %d chars not supported" (BINARY_PATH_MAX_LEN 256, less the NUL). */
    static final int MAX_BINARY_PATH_BYTES = 255;

    /** writeMatchSubString: "Substring is bigger than 100 chars" refuses 100 and more. */
    static final int MAX_SUBSTRING_BYTES = 99;

    /** Generic kprobe, LSM and uprobe sensors: "error add arg: ArgType %s Index %d out of bounds" past 4. */
    static final int MAX_ARG_INDEX = 4;

    /** api.EventConfigMaxArgs = 5: "too many arguments, max %d: args(%d) data(%d)". */
    static final int MAX_ARGS = 5;

    /** getMetaValue: "invalid SizeArgIndex value (>15)" (it is packed into 4 bits). */
    static final int MAX_SIZE_ARG_INDEX = 15;

    /** KProbeSpec.tags "+kubebuilder:validation:MaxItems=16". */
    static final int MAX_TAGS = 16;

    /** KProbeSpec.message "A short message of 256 characters max"; a longer one is truncated with a warning. */
    static final int MAX_MESSAGE_CHARS = 256;

    /** selectors.md, NotifyEnforcer: "Note that currently only single enforcer definition is allowed." */
    static final int MAX_ENFORCERS = 1;

    /** Linux signal numbers run from 1 to 64 (SIGRTMAX). */
    static final int MAX_SIGNAL = 64;
}
