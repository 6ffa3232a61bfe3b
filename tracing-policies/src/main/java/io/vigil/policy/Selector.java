// SPDX-License-Identifier: Apache-2.0
package io.vigil.policy;

import java.util.List;

/**
 * One entry of a hook's {@code selectors}: filters that must all match (AND), and the actions to run
 * when they do. No action means Post.
 */
public record Selector(
        List<MatchArgs> matchArgs,
        List<MatchArgs> matchData,
        List<MatchArgs> matchReturnArgs,
        List<MatchPids> matchPids,
        List<MatchBinaries> matchBinaries,
        List<MatchBinaries> matchParentBinaries,
        List<MatchNamespaces> matchNamespaces,
        List<MatchCapabilities> matchCapabilities,
        List<MatchNamespaceChanges> matchNamespaceChanges,
        List<MatchCapabilities> matchCapabilityChanges,
        List<MatchAction> matchActions,
        List<MatchAction> matchReturnActions) {

    public Selector {
        matchArgs = List.copyOf(matchArgs);
        matchData = List.copyOf(matchData);
        matchReturnArgs = List.copyOf(matchReturnArgs);
        matchPids = List.copyOf(matchPids);
        matchBinaries = List.copyOf(matchBinaries);
        matchParentBinaries = List.copyOf(matchParentBinaries);
        matchNamespaces = List.copyOf(matchNamespaces);
        matchCapabilities = List.copyOf(matchCapabilities);
        matchNamespaceChanges = List.copyOf(matchNamespaceChanges);
        matchCapabilityChanges = List.copyOf(matchCapabilityChanges);
        matchActions = List.copyOf(matchActions);
        matchReturnActions = List.copyOf(matchReturnActions);
    }
}
