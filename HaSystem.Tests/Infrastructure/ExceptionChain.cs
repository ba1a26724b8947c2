namespace HaSystem.Tests.Infrastructure;

/// <summary>An exception and every exception inside it, aggregates included: where a start-up error's message may be.</summary>
public static class ExceptionChain
{
    public static IEnumerable<Exception> Flatten(Exception error)
    {
        for (var e = error; e is not null; e = e.InnerException)
        {
            yield return e;
            if (e is AggregateException aggregate)
            {
                foreach (var inner in aggregate.InnerExceptions.SelectMany(Flatten))
                {
                    yield return inner;
                }
            }
        }
    }
}
