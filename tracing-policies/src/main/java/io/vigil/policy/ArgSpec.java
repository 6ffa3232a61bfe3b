// SPDX-License-Identifier: Apache-2.0
package io.vigil.policy;

import java.util.Optional;

/**
 * An argument to read ({@code args[]}, {@code data[]} or {@code returnArg}).
 *
 * @param index        0-based position of the argument in the function (or tracepoint format)
 * @param sizeArgIndex for char_buf and char_iovec: the <em>1-based</em> number of the argument that
 *                     holds the size (index + 1, as Tetragon's docs warn); 0 when not set
 * @param returnCopy   read the buffer again when the function returns (e.g. read(2)'s buffer)
 * @param maxData      read up to 327360 bytes of a char_buf instead of 4096
 * @param resolve      a field path to follow from the argument ({@code mm.owner.real_parent.comm})
 * @param btfType      the argument's C type, for resolve on uprobes and USDTs
 * @param source       where a data value comes from (Tetragon: e.g. current_task); absent for arguments
 */
public record ArgSpec(
        int index,
        ArgType type,
        int sizeArgIndex,
        boolean returnCopy,
        boolean maxData,
        Optional<String> label,
        Optional<String> resolve,
        Optional<String> btfType,
        Optional<String> source) {}
