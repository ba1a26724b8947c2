using HaSystem.Tests.Infrastructure;

namespace HaSystem.Tests.Security;

/// <summary>
/// The system as it runs outside Development: diagnostics closed to anonymous callers, HTTP redirected to HTTPS with
/// HSTS, chaos off (not asked for). The
/// sign-in throttle's window is 15 s: long enough that a test's attempts (on a key of its own, whose window starts at
/// its first attempt) all fall in one window on a loaded machine, short enough that the test that waits it out is quick.
/// </summary>
public sealed class HardenedSystemFixture() : SystemFixture(
    "Diagnostics:Anonymous=false",
    "Web:HttpsRedirect=true",
    $"ApiService:Environment:SignIn__Throttle__Window={ThrottleWindow:c}",
    $"ApiService:Environment:SignIn__Throttle__PerUserName={PerUserName}",
    $"ApiService:Environment:SignIn__Throttle__PerClientAddress={PerClientAddress}")
{
    public const int PerUserName = 10;
    public const int PerClientAddress = 30;
    public static readonly TimeSpan ThrottleWindow = TimeSpan.FromSeconds(15);

    /// <summary>Each API replica's own address (found with the operator's token, since <c>/api/info</c> is closed).</summary>
    public IReadOnlyDictionary<string, Uri> ApiReplicas { get; private set; } = null!;

    /// <inheritdoc />
    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        ApiReplicas = await System.DiscoverApiReplicasAsync(TimeSpan.FromSeconds(60), await Api.TokenAsync(ApiClient.Operator));
    }
}
