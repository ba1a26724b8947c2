using System.Globalization;

namespace HaSystem.OrderDrill;

/// <summary>The command line: <c>--api url,url,url --password p [--user u] [--rate 10] [--seconds 30] [--events f] [--csv f]</c>.</summary>
public sealed record DrillOptions(
    IReadOnlyList<Uri> Replicas,
    string User,
    string Password,
    double Rate,
    TimeSpan Duration,
    TimeSpan RequestTimeout,
    string? EventsFile,
    string? CsvFile)
{
    public static DrillOptions Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            values[args[i].TrimStart('-')] = args[i + 1];
        }

        string Required(string name) => values.TryGetValue(name, out var value) ? value
            : throw new ArgumentException($"--{name} is required. Usage: --api url[,url…] --password p [--user user@globex] [--rate 10] [--seconds 30] [--timeout 30] [--events file] [--csv file]");

        return new DrillOptions(
            Required("api").Split(',', StringSplitOptions.RemoveEmptyEntries).Select(u => new Uri(u)).ToArray(),
            values.GetValueOrDefault("user", "user@globex"),
            Required("password"),
            double.Parse(values.GetValueOrDefault("rate", "10"), CultureInfo.InvariantCulture),
            TimeSpan.FromSeconds(double.Parse(values.GetValueOrDefault("seconds", "30"), CultureInfo.InvariantCulture)),
            TimeSpan.FromSeconds(double.Parse(values.GetValueOrDefault("timeout", "30"), CultureInfo.InvariantCulture)),
            values.GetValueOrDefault("events"),
            values.GetValueOrDefault("csv"));
    }
}
