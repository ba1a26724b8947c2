namespace HaSystem.Tests.Infrastructure;

/// <summary>
/// For tests that break the system (kill primaries, stop roles, freeze processes): each test gets a system of its own,
/// started with <paramref name="arguments"/> before it and stopped after it.
/// </summary>
public abstract class SystemPerTest(params string[] arguments) : IAsyncLifetime
{
    private HaSystemApp? _system;
    private ApiClient? _api;

    protected HaSystemApp System => _system ?? throw new InvalidOperationException("The system is not started.");

    protected ApiClient Api => _api ?? throw new InvalidOperationException("The system is not started.");

    public virtual async Task InitializeAsync()
    {
        _system = await HaSystemApp.StartAsync(arguments);
        _api = new ApiClient(_system);
    }

    public virtual async Task DisposeAsync()
    {
        if (_system is not null)
        {
            await _system.DisposeAsync();
        }
    }
}
