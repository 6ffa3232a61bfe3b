package io.vigil.agent.asset;

import io.vigil.enforcement.asset.datapath.Taint;

/** The kernel's taint map as the decider uses it (the datapath, or a map in a test). */
interface TaintStore {
    /** The taint of tgid, or null. */
    Taint get(int tgid) throws Exception;

    void put(int tgid, Taint t) throws Exception;
}
