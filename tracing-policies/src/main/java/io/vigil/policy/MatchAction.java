// SPDX-License-Identifier: Apache-2.0
package io.vigil.policy;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One entry of {@code matchActions} or {@code matchReturnActions}. Only the fields the action uses are
 * set; the validator warns about the others (Tetragon ignores them).
 *
 * @param argError       Override, NotifyEnforcer: the error (return value) to inject, e.g. -1 (EPERM)
 * @param argSig         Signal, NotifyEnforcer: the signal number
 * @param argFd          FollowFD, UnfollowFD, CopyFD: index of the fd argument
 * @param argName        FollowFD, CopyFD: index of the name argument
 * @param argSock        TrackSock, UntrackSock: index of the sock argument
 * @param argIndex       Set: the USDT argument to write
 * @param argValue       Set: the value to write
 * @param argRegs        Override on uprobes: register assignments ({@code rax=11})
 * @param rateLimit      Post: at most one event per this period for the same arguments
 * @param rateLimitScope Post with rateLimit: per thread (default), process or globally
 * @param imaHash        Post on LSM hooks: add the file's IMA hash
 */
public record MatchAction(
        ActionType action,
        OptionalInt argError,
        OptionalInt argSig,
        OptionalInt argFd,
        OptionalInt argName,
        OptionalInt argSock,
        OptionalInt argIndex,
        OptionalInt argValue,
        Optional<String> argUrl,
        Optional<String> argFqdn,
        List<String> argRegs,
        Optional<Duration> rateLimit,
        Optional<RateLimitScope> rateLimitScope,
        boolean kernelStackTrace,
        boolean userStackTrace,
        boolean imaHash) {

    public MatchAction {
        argRegs = List.copyOf(argRegs);
    }
}
