namespace HaSystem.Bench.Load;

/// <summary>
/// How long a chaos scenario loads the system: <see cref="Before"/> the fault (the baseline), <see cref="During"/> it
/// (for a stop, until the part is started again; for a kill, the window in which the system recovers on its own), and
/// after it at least <see cref="MinAfter"/>, then on until the system has recovered, but no longer than
/// <see cref="MaxAfter"/>.
/// </summary>
public sealed record Timeline(TimeSpan Before, TimeSpan During, TimeSpan MinAfter, TimeSpan MaxAfter)
{
    /// <summary>Load sent before this is not measured: connections, JIT and caches are still warming up.</summary>
    public TimeSpan WarmUp { get; init; } = TimeSpan.FromSeconds(3);
}
