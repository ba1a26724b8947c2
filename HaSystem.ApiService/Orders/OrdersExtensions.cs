using HaSystem.ApiService.Infrastructure;
using HaSystem.ApiService.Payments;

namespace HaSystem.ApiService.Orders;

public static class OrdersExtensions
{
    /// <summary>Exactly-once orders and the simulated payment provider they charge.</summary>
    public static IHostApplicationBuilder AddOrders(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<OrderOptions>(OrderOptions.SectionName);
        builder.Services.AddValidatedOptions<PaymentOptions>(PaymentOptions.SectionName);
        builder.Services.AddSingleton<SimulatedPaymentProvider>();
        builder.Services.AddScoped<OrderService>();
        builder.Services.AddOrderProblems();
        return builder;
    }

    /// <summary>
    /// Compiles the order path's queries before the replica takes requests (<see cref="OrderService.WarmUpAsync"/>). A
    /// failure is logged and start-up goes on: a cold replica is slow, not wrong.
    /// </summary>
    public static async Task WarmUpOrdersAsync(this WebApplication app)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger<OrderService>();
        var timer = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            await using var scope = app.Services.CreateAsyncScope();
            using (DeadlineRetryingExecutionStrategy.Within(CatalogDatabaseExtensions.MigrationDeadline))
            {
                await scope.ServiceProvider.GetRequiredService<OrderService>().WarmUpAsync(app.Lifetime.ApplicationStopping);
            }

            OrderLog.WarmedUp(logger, timer.Elapsed.TotalMilliseconds);
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not OutOfMemoryException)
        {
            OrderLog.WarmUpFailed(logger, timer.Elapsed.TotalMilliseconds, ex);
        }
    }
}

internal static partial class OrderLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Compiled the order path's queries in {ElapsedMs:0} ms.")]
    public static partial void WarmedUp(ILogger logger, double elapsedMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Compiling the order path's queries failed after {ElapsedMs:0} ms; the first orders will compile them.")]
    public static partial void WarmUpFailed(ILogger logger, double elapsedMs, Exception exception);
}
