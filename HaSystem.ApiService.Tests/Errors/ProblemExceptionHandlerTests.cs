using System.Net.Sockets;
using System.Text.Json;
using HaSystem.ApiService.Caching;
using HaSystem.ApiService.Errors;
using HaSystem.ApiService.Fencing;
using HaSystem.ApiService.Infrastructure;
using HaSystem.ApiService.Orders;
using HaSystem.ApiService.Reports;
using HaSystem.Contracts.Http;
using HaSystem.Coordination.Locking;
using Microsoft.AspNetCore.Http;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Polly.CircuitBreaker;
using StackExchange.Redis;

namespace HaSystem.ApiService.Tests.Errors;

/// <summary>
/// Each feature's exceptions reach the client as the problem the feature registered, through the handler the API runs:
/// status, type, <c>Retry-After</c> and a detail without internals. Wrapped failures are found inside their wrappers.
/// </summary>
public sealed class ProblemExceptionHandlerTests
{
    public static TheoryData<string, Exception, int, string?, string?> Cases => new()
    {
        { "reused key", new IdempotencyKeyReusedException("k1"), 422, ProblemTypes.KeyReused, null },
        { "unknown products", new UnknownProductsException([7, 9]), 422, null, null },
        { "key still in progress", new LockTimeoutException("lock:order:k1", TimeSpan.FromSeconds(8)), 409, ProblemTypes.InProgress, "1" },
        { "stale fencing token", new StaleFencingTokenException("reports", 5, 7), 409, ProblemTypes.StaleFencingToken, null },
        { "report produced already", new ReportAlreadyProducedException("acme", 60), 409, ProblemTypes.AlreadyProduced, null },
        { "no primary for a lock", new LockUnavailableException("lock:order:k1", "no primary", new RedisConnectionException(ConnectionFailureType.UnableToConnect, CommandFlags.None, "down")), 503, null, "2" },
        { "lease lost", new LeaseLostException("leader:worker", 12), 503, null, "2" },
        { "database busy inside EF Core", new DbUpdateException("save failed", new SqliteException("database is locked", 5)), 503, null, "2" },
        { "database failing by injected fault", new Chaos.DatabaseUnavailableException(), 503, null, "2" },
        { "a row changed by another request", new DbUpdateConcurrencyException("0 rows"), 409, null, null },
        { "PostgreSQL down past the retry deadline", new RetryLimitExceededException("gave up", new NpgsqlException("down", new SocketException())), 503, null, "2" },
        { "PostgreSQL failing inside EF Core", new DbUpdateException("save failed", new PostgresException("terminating connection", "FATAL", "FATAL", "57P01")), 503, null, "2" },
        { "cache warm-up incomplete", new CacheWarmupIncompleteException("acme", 3), 503, null, "2" },
        { "Redis down inside a cache's wrapper", new InvalidOperationException("factory failed", new RedisTimeoutException(CommandFlags.None, "timeout", CommandStatus.Sent)), 503, null, "2" },
        { "Redis breaker open", new BrokenCircuitException(), 503, null, "2" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task A_features_exception_is_answered_with_the_problem_the_feature_registered(string what, Exception exception, int status, string? type, string? retryAfter)
    {
        var (handled, context, body) = await HandleAsync(exception);

        Assert.True(handled, what);
        Assert.Equal(status, context.Response.StatusCode);
        Assert.Equal(status, body.GetProperty("status").GetInt32());
        Assert.Equal(type, body.TryGetProperty("type", out var t) && !t.GetString()!.StartsWith("https://", StringComparison.Ordinal) ? t.GetString() : null);
        Assert.Equal(retryAfter, context.Response.Headers.RetryAfter.FirstOrDefault());
        var detail = body.GetProperty("detail").GetString();
        Assert.Equal(status == 503 ? ExceptionProblem.UnavailableDetail : exception.Message, detail);
        Assert.DoesNotContain("   at ", body.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_malformed_request_keeps_its_status_and_gets_no_detail()
    {
        var (handled, context, body) = await HandleAsync(new BadHttpRequestException("Request body too large.", StatusCodes.Status413PayloadTooLarge));

        Assert.True(handled);
        Assert.Equal(413, context.Response.StatusCode);
        Assert.False(body.TryGetProperty("detail", out _));
    }

    [Fact]
    public async Task An_exception_no_feature_registered_is_left_to_the_500_without_details()
    {
        var (handled, _, _) = await HandleAsync(new InvalidOperationException("a bug"));

        Assert.False(handled);
    }

    [Fact]
    public void The_first_registration_of_an_exception_type_wins()
    {
        var map = new ExceptionProblems(
        [
            new ExceptionProblem(typeof(LeaseLostException), 503, "first"),
            new ExceptionProblem(typeof(LeaseLostException), 409, "second"),
        ]);

        Assert.Equal("first", map.Find(new LeaseLostException("leader:worker", 1))!.Value.Problem.Title);
    }

    private static async Task<(bool Handled, HttpContext Context, JsonElement Body)> HandleAsync(Exception exception)
    {
        var services = new ServiceCollection()
            .AddLogging()
            .AddProblemDetails()
            .AddCatalogDatabaseProblems()
            .AddCatalogCacheProblems()
            .AddOrderProblems()
            .AddReportProblems()
            .AddSingleton<ExceptionProblems>()
            .AddSingleton<ProblemExceptionHandler>()
            .BuildServiceProvider();
        var context = new DefaultHttpContext { RequestServices = services };
        context.Response.Body = new MemoryStream();
        var handled = await services.GetRequiredService<ProblemExceptionHandler>().TryHandleAsync(context, exception, CancellationToken.None);
        context.Response.Body.Position = 0;
        var body = handled ? JsonDocument.Parse(context.Response.Body).RootElement.Clone() : default;
        return (handled, context, body);
    }
}
