using System.ComponentModel.DataAnnotations;
using HaSystem.Coordination.Redis;

namespace HaSystem.ApiService.Reports;

/// <summary>Bound from <c>Reports</c>.</summary>
public sealed class ReportOptions
{
    public const string SectionName = "Reports";

    /// <summary>The lease whose fencing tokens guard report writes: the worker's leader lease.</summary>
    [Required]
    public string LeaseKey { get; set; } = RedisKeyspace.WorkerLease;
}
