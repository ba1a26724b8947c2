using System.Globalization;

namespace HaSystem.LockBench;

/// <summary><c>--name value</c> pairs after the command.</summary>
internal sealed class CommandLine(Dictionary<string, string> values)
{
    public static CommandLine Parse(string[] args)
    {
        var values = new Dictionary<string, string>();
        for (var i = 1; i + 1 < args.Length; i += 2)
        {
            values[args[i].TrimStart('-')] = args[i + 1];
        }

        return new CommandLine(values);
    }

    public string Get(string name, string? fallback = null) =>
        values.TryGetValue(name, out var value) ? value : fallback ?? throw new ArgumentException($"--{name} is required.");

    public TimeSpan Time(string name, string fallback) => TimeSpan.Parse(Get(name, fallback), CultureInfo.InvariantCulture);

    public int Int(string name, string fallback) => int.Parse(Get(name, fallback), CultureInfo.InvariantCulture);
}
