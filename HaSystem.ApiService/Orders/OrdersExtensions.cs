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
}
