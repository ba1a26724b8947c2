namespace HaSystem.Tests.Security;

/// <summary>
/// The system as it runs outside Development: diagnostics closed to anonymous callers, HTTP redirected to HTTPS with
/// HSTS, chaos off (not asked for). The
/// sign-in throttle's window is 30 s: long enough that a test's attempts (on a key of its own, whose window starts at
/// its first attempt) all fall in one window on a loaded machine, short enough that the test that waits it out is quick.
/// </summary>
public sealed class HardenedSystemFixture : IAsyncLifetime
{
    public const int PerUserName = 10;
    public const int PerClientAddress = 30;
    public static readonly TimeSpan ThrottleWindow = TimeSpan.FromSeconds(30);

    private HaSystemApp? _system;

    public HaSystemApp System => _system ?? throw new InvalidOperationException("The system is not started.");

    public ApiClient Api { get; private set; } = null!;

    /// <summary>Each API replica's own address (found with the operator's token, since <c>/api/info</c> is closed).</summary>
    public IReadOnlyDictionary<string, Uri> ApiReplicas { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _system = await HaSystemApp.StartAsync(
            "Diagnostics:Anonymous=false",
            "Web:HttpsRedirect=true",
            $"ApiService:Environment:SignIn__Throttle__Window={ThrottleWindow:c}",
            $"ApiService:Environment:SignIn__Throttle__PerUserName={PerUserName}",
            $"ApiService:Environment:SignIn__Throttle__PerClientAddress={PerClientAddress}");
        Api = new ApiClient(_system);
        ApiReplicas = await _system.DiscoverApiReplicasAsync(TimeSpan.FromSeconds(60), await Api.TokenAsync(ApiClient.Operator));
    }

    public async Task DisposeAsync()
    {
        if (_system is not null)
        {
            await _system.DisposeAsync();
        }
    }
}
