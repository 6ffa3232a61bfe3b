package io.vigil.enforcement.fanotify;

import java.util.Objects;

/** What a {@link Decider} answers, with a reason or tag (a policy name, a selector) for the event. */
public record Decision(Verdict verdict, String reason) {
    public Decision {
        Objects.requireNonNull(verdict, "verdict");
        Objects.requireNonNull(reason, "reason");
    }

    public static Decision allow(String reason) {
        return new Decision(Verdict.ALLOW, reason);
    }

    public static Decision deny(String reason) {
        return new Decision(Verdict.DENY, reason);
    }
}
