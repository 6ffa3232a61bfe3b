// SPDX-License-Identifier: Apache-2.0
package io.vigil.policy;

/** {@code returnArgAction} of a kprobe: what to do with the returned value. */
public enum ReturnArgAction implements Spelled {
    POST("Post"),
    TRACK_SOCK("TrackSock"),
    UNTRACK_SOCK("UntrackSock");

    private final String spelling;

    ReturnArgAction(String spelling) {
        this.spelling = spelling;
    }

    @Override
    public String spelling() {
        return spelling;
    }
}
