using System.ComponentModel.DataAnnotations;

namespace HaSystem.ApiService.Payments;

/// <summary>Bound from <c>Payments</c>: how slow the simulated provider is.</summary>
public sealed class PaymentOptions
{
    public const string SectionName = "Payments";

    /// <summary>Shortest time a charge takes: real providers answer in tens to hundreds of milliseconds.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:10")]
    public TimeSpan MinLatency { get; set; } = TimeSpan.FromMilliseconds(80);

    [Range(typeof(TimeSpan), "00:00:00", "00:00:10")]
    public TimeSpan MaxLatency { get; set; } = TimeSpan.FromMilliseconds(160);
}
