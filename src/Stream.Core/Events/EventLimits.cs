namespace Stream.Core.Events;

/// <summary>Validation limits beyond the schema's shape: size, clock skew and the accepted currency.</summary>
public sealed record EventLimits
{
    /// <summary>Payloads above this many bytes are dead-lettered unparsed.</summary>
    public int MaxEventBytes { get; init; } = 64 * 1024;

    /// <summary>How far <c>occurredAt</c> may lie after the record's own timestamp before it is implausible.</summary>
    public TimeSpan MaxFutureSkew { get; init; } = TimeSpan.FromHours(1);

    /// <summary>
    /// State sums amounts in one currency; converting needs rates Stream does not have, so other
    /// currencies are dead-lettered (kept, not lost) rather than summed wrongly.
    /// </summary>
    public string Currency { get; init; } = "USD";
}
