package dev.harden.verify;

/**
 * One start of a learning search.
 *
 * @param variant one line saying what was tried
 * @param trial how it went
 */
record Attempt(String variant, Trial trial) { }
