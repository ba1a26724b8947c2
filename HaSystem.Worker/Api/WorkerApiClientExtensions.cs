using Microsoft.Extensions.Options;

namespace HaSystem.Worker.Api;

public static class WorkerApiClientExtensions
{
    /// <summary>
    /// <see cref="WorkerApiClient"/> through service discovery and the standard resilience handler (from the
    /// service defaults), authenticated with the worker's service token.
    /// </summary>
    public static IHostApplicationBuilder AddWorkerApiClient(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<ApiOptions>(ApiOptions.SectionName);
        builder.Services.AddTransient<ServiceTokenHandler>();
        builder.Services.AddHttpClient(ServiceTokenHandler.TokenClientName, ConfigureBaseAddress);
        builder.Services.AddHttpClient<WorkerApiClient>(ConfigureBaseAddress).AddHttpMessageHandler<ServiceTokenHandler>();
        return builder;
    }

    private static void ConfigureBaseAddress(IServiceProvider services, HttpClient http) =>
        http.BaseAddress = services.GetRequiredService<IOptions<ApiOptions>>().Value.BaseAddress;
}
