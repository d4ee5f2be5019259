package com.oracle.svm.hosted;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Stands in for the builder's JNI helper (a C library a GraalVM distribution ships): plain Java. */
public final class ProgressReporterCHelper {
    static final int MAX_CHARACTERS_PER_LINE = 120;

    private ProgressReporterCHelper() {
    }

    public static int getTerminalWindowColumnsClamped() {
        return Math.min(Math.max(80, getTerminalWindowColumns()), MAX_CHARACTERS_PER_LINE);
    }

    public static int getTerminalWindowColumns() {
        return 80;
    }

    /** The peak resident set size (VmHWM) in bytes, or -1. */
    public static long getPeakRSS() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // no figure
        }
        return -1;
    }
}
