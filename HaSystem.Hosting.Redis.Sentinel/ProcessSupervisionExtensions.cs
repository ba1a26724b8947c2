using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Aspire.Hosting;

/// <summary>Puts a process resource under the AppHost's one <see cref="ProcessSupervisor"/>.</summary>
public static class ProcessSupervisionExtensions
{
    /// <summary>
    /// The process is started again when it dies unasked (a non-zero exit, a signal), with a growing pause if it keeps
    /// dying; a Stop (the dashboard's, the AppHost's) leaves it stopped. <paramref name="restartsProperty"/> counts the starts again.
    /// </summary>
    public static IResourceBuilder<T> WithSupervision<T>(this IResourceBuilder<T> resource, string restartsProperty,
        Func<IResource, IServiceProvider, Microsoft.Extensions.Logging.ILogger, CancellationToken, Task>? beforeRestart = null, string? restartLogMarker = null)
        where T : IResource
    {
        ArgumentNullException.ThrowIfNull(resource);
        resource.ApplicationBuilder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, ProcessSupervisor>());
        return resource.WithAnnotation(new SupervisedProcessAnnotation(restartsProperty) { BeforeRestart = beforeRestart, RestartLogMarker = restartLogMarker });
    }
}
