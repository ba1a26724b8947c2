namespace HaSystem.Coordination.RateLimiting;

/// <summary>The hits counted in the current window, this one included, and the time left until the window ends.</summary>
/// <param name="Count">Hits in the window so far.</param>
/// <param name="Remaining">Time left in the window.</param>
public readonly record struct FixedWindowCount(long Count, TimeSpan Remaining);
