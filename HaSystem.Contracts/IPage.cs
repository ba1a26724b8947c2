namespace HaSystem.Contracts;

/// <summary>One page of a longer list, numbered from 1.</summary>
public interface IPage
{
    /// <summary>The page's number, from 1.</summary>
    int Page { get; }

    /// <summary>The most items a page holds.</summary>
    int PageSize { get; }

    /// <summary>How many items the whole list has.</summary>
    int Total { get; }
}
