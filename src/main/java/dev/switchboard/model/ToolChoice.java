package dev.switchboard.model;

/** How the model may use the tools it was given. */
public sealed interface ToolChoice {
    record Auto() implements ToolChoice {}
    record None() implements ToolChoice {}
    record Required() implements ToolChoice {}
    record Named(String name) implements ToolChoice {}

    ToolChoice AUTO = new Auto();
    ToolChoice NONE = new None();
    ToolChoice REQUIRED = new Required();
}
