using HaSystem.Bench.Load;

namespace HaSystem.Bench.Scenarios;

/// <summary>What a scenario measured: its runs, the invariants it checked, the targets it is held to, and extra tables.</summary>
public sealed class ScenarioResult(string name, string title, string setup)
{
    public string Name { get; } = name;

    public string Title { get; } = title;

    /// <summary>The load and the fault, in a sentence or two.</summary>
    public string Setup { get; } = setup;

    public List<ChaosRun> Runs { get; } = [];

    /// <summary>Must hold in every mode (no double charge, no lost acknowledged order…); a violation fails the bench.</summary>
    public List<Check> Invariants { get; } = [];

    /// <summary>The figures for a full run on these machines: reported as met or not, never failing the bench.</summary>
    public List<Check> Targets { get; } = [];

    public List<MarkdownTable> Tables { get; } = [];

    /// <summary>The chart's file name, next to the report.</summary>
    public string? Chart { get; set; }
}

/// <summary>A named condition, whether it holds, and the figure that says so.</summary>
public sealed record Check(string What, bool Holds, string Figure);

public sealed record MarkdownTable(string Caption, IReadOnlyList<string> Header, IReadOnlyList<IReadOnlyList<string>> Rows);
