namespace HaSystem.Testing.Load;

/// <summary>
/// One request of a workload: when the schedule meant to send it, when it left, when its answer came, and what the
/// answer was. A request that left late is measured from <see cref="Intended"/>, so a stalled system or a stalled
/// sender cannot hide its delay (coordinated omission); one that left early (by less than the sender's timer
/// resolution) is measured from when it left, so no latency is ever understated.
/// </summary>
/// <param name="Sequence">Its number in the workload's schedule (0, 1, 2…): what the workload was given to send it.</param>
/// <param name="Intended">When the fixed-rate schedule meant to send it, from the start of the scenario.</param>
/// <param name="Sent">When it actually left.</param>
/// <param name="Completed">When the final answer (after the client's retries) arrived, from the start of the scenario.</param>
/// <param name="Outcome">The final answer: an HTTP status, or what went wrong before one arrived.</param>
public sealed record Sample(long Sequence, TimeSpan Intended, TimeSpan Sent, TimeSpan Completed, Outcome Outcome)
{
    public TimeSpan Latency => Completed - (Sent < Intended ? Sent : Intended);
}

/// <summary>What a request ended with. <see cref="Label"/> is "201", "503", "timeout", "connection"…</summary>
public sealed record Outcome(bool Succeeded, string Label, int Attempts = 1)
{
    public static Outcome Success(int status, int attempts = 1) => new(true, status.ToString(System.Globalization.CultureInfo.InvariantCulture), attempts);

    public static Outcome Failure(string label, int attempts = 1) => new(false, label, attempts);
}
