using Microsoft.Extensions.Hosting;

namespace Aspire.Hosting.ApplicationModel;

/// <summary>Removes the run's folder when the AppHost stops.</summary>
internal sealed class RunDirectoryCleanup(RunDirectory directory) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken)
    {
        directory.Delete();
        return Task.CompletedTask;
    }
}
