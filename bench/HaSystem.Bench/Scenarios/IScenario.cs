namespace HaSystem.Bench.Scenarios;

/// <summary>One bench scenario: a load, maybe a fault, and the figures it yields.</summary>
public interface IScenario
{
    /// <summary>The name used on the command line and in file names (<c>state-failover</c>).</summary>
    string Name { get; }

    Task<ScenarioResult> RunAsync(BenchContext context);
}
