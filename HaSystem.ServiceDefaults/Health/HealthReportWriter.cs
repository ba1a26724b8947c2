using System.Text.Json;
using HaSystem.ServiceDefaults.Replicas;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace HaSystem.ServiceDefaults.Health;

/// <summary>
/// Writes a health report as JSON: overall status, the replica that answered, and per check its status,
/// description, duration and data; only the overall status where diagnostics are closed (<see cref="DiagnosticsExposure"/>). Exceptions are reduced to their type: their messages can carry endpoints
/// and configuration that do not belong in a public response.
/// </summary>
public static class HealthReportWriter
{
    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        var services = context.RequestServices;
        if (!DiagnosticsExposure.AreAnonymous(services.GetRequiredService<IConfiguration>(), services.GetRequiredService<IHostEnvironment>()))
        {
            // Where diagnostics are closed, an anonymous probe learns only the overall state: the entries name the
            // replica, the Redis primaries' addresses and what is failing, which is where an attacker would aim.
            return context.Response.WriteAsync(JsonSerializer.Serialize(new { status = report.Status.ToString() }, JsonOptions));
        }

        var replica = services.GetService<ReplicaIdentity>();
        var body = new
        {
            status = report.Status.ToString(),
            replica = replica?.Id,
            totalDurationMs = Math.Round(report.TotalDuration.TotalMilliseconds, 1),
            entries = report.Entries.ToDictionary(
                e => e.Key,
                e => new
                {
                    status = e.Value.Status.ToString(),
                    description = e.Value.Description,
                    durationMs = Math.Round(e.Value.Duration.TotalMilliseconds, 1),
                    error = e.Value.Exception?.GetType().Name,
                    data = e.Value.Data,
                }),
        };

        return context.Response.WriteAsync(JsonSerializer.Serialize(body, JsonOptions));
    }
}
