using System.Globalization;

namespace HaSystem.OrderDrill;

/// <summary>A fault or a topology change the drill script noted: a line <c>unix-ms label</c> in the events file.</summary>
public sealed record DrillEvent(DateTimeOffset At, string Label)
{
    public static IReadOnlyList<DrillEvent> Read(string? path) =>
        path is null || !File.Exists(path)
            ? []
            : File.ReadAllLines(path)
                .Where(line => line.Contains(' ', StringComparison.Ordinal))
                .Select(line => new DrillEvent(
                    DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(line[..line.IndexOf(' ', StringComparison.Ordinal)], CultureInfo.InvariantCulture)),
                    line[(line.IndexOf(' ', StringComparison.Ordinal) + 1)..]))
                .ToArray();
}
