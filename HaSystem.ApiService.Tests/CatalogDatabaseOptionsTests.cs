using System.ComponentModel.DataAnnotations;
using HaSystem.ApiService.Infrastructure;

namespace HaSystem.ApiService.Tests;

/// <summary>The API refuses database timeouts that would leave no time to try a query in.</summary>
public sealed class CatalogDatabaseOptionsTests
{
    // Guards against a RetryDeadline shorter than what a command takes to end after the tries stop: every request on
    // PostgreSQL would be answered 503 without a try, and the API would start as if nothing were wrong.
    [Theory]
    [InlineData(8, 1, true)]
    [InlineData(3.5, 1, true)]   // 2.5 s to end a command, 1 s to try in
    [InlineData(3, 1, false)]
    [InlineData(5, 2.5, false)]  // a 2.5 s connect timeout is 3 s to Npgsql: 4.5 s to end a command
    public void The_retry_deadline_leaves_a_second_to_try_in(double retryDeadline, double connectTimeout, bool valid)
    {
        var options = new CatalogDatabaseOptions { RetryDeadline = TimeSpan.FromSeconds(retryDeadline), ConnectTimeout = TimeSpan.FromSeconds(connectTimeout) };

        var errors = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), errors, validateAllProperties: true);

        Assert.Equal(valid, errors.Count == 0);
    }
}
