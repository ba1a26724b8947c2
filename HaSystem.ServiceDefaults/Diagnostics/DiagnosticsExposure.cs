using Microsoft.Extensions.Configuration;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Whether the replicas' diagnostics (process ids, direct addresses, the Redis topology, the API reference) are open to
/// anonymous callers: <c>Diagnostics:Anonymous</c>, or, when unset, only in Development. That is what <c>dotnet run</c>
/// on the AppHost gives, so a developer can watch a failover; anywhere else they are closed by default. An attacker
/// who can read them learns where to aim, and each view costs Redis calls.
/// </summary>
public static class DiagnosticsExposure
{
    public const string AnonymousKey = "Diagnostics:Anonymous";

    public static bool DiagnosticsAreAnonymous(this IHostApplicationBuilder builder) =>
        AreAnonymous(builder.Configuration, builder.Environment);

    public static bool AreAnonymous(IConfiguration configuration, IHostEnvironment environment) =>
        configuration.GetValue<bool?>(AnonymousKey) ?? environment.IsDevelopment();
}
