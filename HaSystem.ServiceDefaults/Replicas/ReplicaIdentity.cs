using System.Diagnostics;

namespace HaSystem.ServiceDefaults.Replicas;

/// <summary>
/// Which replica of which service this process is. Aspire gives every replica its own
/// <c>service.instance.id</c> in <c>OTEL_RESOURCE_ATTRIBUTES</c>; the dashboard shows the same id.
/// </summary>
public sealed record ReplicaIdentity(string Service, string Instance, string Host, int ProcessId)
{
    /// <summary>A short, unique, human-readable id, e.g. <c>apiservice-xk2pq9rt</c>.</summary>
    public string Id => Instance.StartsWith(Service, StringComparison.Ordinal) ? Instance : $"{Service}-{Instance}";

    public DateTimeOffset StartedAt { get; } = ProcessStartTime();

    public static ReplicaIdentity FromEnvironment()
    {
        var service = Environment.GetEnvironmentVariable("OTEL_SERVICE_NAME")
            ?? AppDomain.CurrentDomain.FriendlyName;
        var instance = ParseAttribute(Environment.GetEnvironmentVariable("OTEL_RESOURCE_ATTRIBUTES"), "service.instance.id")
            ?? $"{service}-{Environment.ProcessId}";
        return new ReplicaIdentity(service, instance, Environment.MachineName, Environment.ProcessId);
    }

    private static DateTimeOffset ProcessStartTime()
    {
        using var process = Process.GetCurrentProcess();
        return new DateTimeOffset(process.StartTime.ToUniversalTime(), TimeSpan.Zero);
    }

    private static string? ParseAttribute(string? attributes, string name) =>
        attributes?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(pair => pair.Split('=', 2))
            .Where(pair => pair.Length == 2 && pair[0] == name)
            .Select(pair => pair[1])
            .FirstOrDefault();
}
