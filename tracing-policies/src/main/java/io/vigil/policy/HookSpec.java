// SPDX-License-Identifier: Apache-2.0
package io.vigil.policy;

import java.util.List;
import java.util.Optional;

/** What every hook of a policy has: arguments to read, selectors to filter and act, message, tags. */
public sealed interface HookSpec permits KprobeSpec, TracepointSpec, LsmHookSpec, UprobeSpec, UsdtSpec {

    HookKind kind();

    /** What the hook attaches to, for messages: the call, {@code subsystem/event}, the LSM hook, ... */
    String target();

    List<ArgSpec> args();

    /** Up to 5 selectors, ORed and short-circuited: the first that matches decides the actions. */
    List<Selector> selectors();

    /** A short text (256 characters at most) copied into every event of this hook. */
    Optional<String> message();

    /** Up to 16 tags copied into every event of this hook. */
    List<String> tags();
}
