package dev.switchboard.model;

/** Why generation stopped, in canonical terms; each format maps its own reasons onto these. */
public enum FinishReason {
    STOP, LENGTH, TOOL_CALLS, CONTENT_FILTER, ERROR
}
