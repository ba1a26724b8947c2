using System.Globalization;

namespace HaSystem.Tests.Infrastructure;

/// <summary>
/// Figures the distributed tests measure on the way (start-up, failover times), appended to
/// <c>measurements.txt</c> next to the test assembly (or <c>HASYSTEM_MEASUREMENTS</c>) so CI can print them.
/// </summary>
public static class Measurements
{
    private static readonly Lock Gate = new();

    public static string FilePath { get; } = Environment.GetEnvironmentVariable("HASYSTEM_MEASUREMENTS")
        ?? Path.Combine(AppContext.BaseDirectory, "measurements.txt");

    public static void Record(ITestOutputHelper output, string name, double value, string unit)
    {
        var line = string.Create(CultureInfo.InvariantCulture, $"{DateTime.UtcNow:O} {name} = {value:0.###} {unit}");
        output.WriteLine(line);
        lock (Gate)
        {
            File.AppendAllLines(FilePath, [line]);
        }
    }
}
