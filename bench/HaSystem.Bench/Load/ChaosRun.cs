namespace HaSystem.Bench.Load;

/// <summary>One run of a chaos scenario: when the fault came and went, what it was, and each workload's samples.</summary>
public sealed record ChaosRun(
    string Fault,
    DateTimeOffset StartedAt,
    TimeSpan FaultAt,
    TimeSpan DuringEnd,
    TimeSpan End,
    IReadOnlyList<WorkloadRun> Workloads)
{
    /// <summary>The wall-clock time of the fault, for matching it with what the system stored (report periods).</summary>
    public DateTimeOffset FaultWallClock => StartedAt + FaultAt;

    public WorkloadRun Workload(string name) => Workloads.Single(w => w.Name == name);
}
