package dev.harden.rule;

/**
 * A symptom a rule's change can cause.
 *
 * @param symptom what the failing container's log shows
 * @param rank where the rule stands among the suspects of that symptom: 1 is retried first
 */
record LogHint(LogSymptom symptom, int rank) { }
