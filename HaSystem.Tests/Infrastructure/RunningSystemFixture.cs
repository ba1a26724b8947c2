namespace HaSystem.Tests.Infrastructure;

/// <summary>One running system shared by the tests of a class that only observe it and do not break it.</summary>
public sealed class RunningSystemFixture : IAsyncLifetime
{
    private HaSystemApp? _system;

    public HaSystemApp System => _system ?? throw new InvalidOperationException("The system is not started.");

    public async Task InitializeAsync() => _system = await HaSystemApp.StartAsync();

    public async Task DisposeAsync()
    {
        if (_system is not null)
        {
            await _system.DisposeAsync();
        }
    }
}
