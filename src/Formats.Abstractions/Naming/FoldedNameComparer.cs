namespace Formats.Naming;

/// <summary>
/// Equality of names by their collision key (<see cref="CanonicalDecomposition.FoldKey"/>), for the set of names that
/// differ from their key: each such name is kept once, as the entry's own string, and found by its key or by a prefix of
/// a key (<see cref="NamePrefix"/>) without a second string per name. The hash is the key's <see cref="PrefixHash"/>;
/// a stored name is folded again only when the hashes agree, which outside a real collision is rare.
/// </summary>
internal sealed class FoldedNameComparer : IEqualityComparer<string>, IAlternateEqualityComparer<NamePrefix, string>, IAlternateEqualityComparer<FoldedName, string>
{
    public static FoldedNameComparer Instance { get; } = new();

    public bool Equals(string? x, string? y) =>
        x is null || y is null ? x == y : string.Equals(CanonicalDecomposition.FoldKey(x), CanonicalDecomposition.FoldKey(y), StringComparison.Ordinal);

    public int GetHashCode(string obj) => PrefixHash.Bucket(PrefixHash.Of(CanonicalDecomposition.FoldKey(obj)));

    public bool Equals(NamePrefix alternate, string other) => alternate.Span.SequenceEqual(CanonicalDecomposition.FoldKey(other));

    public int GetHashCode(NamePrefix alternate) => PrefixHash.Bucket(alternate.Hash);

    /// <summary>Never called: names are added with their key (<see cref="FoldedName"/>), and a key alone is no name.</summary>
    public string Create(NamePrefix alternate) => throw new NotSupportedException("a collision key is not a name; add the name with its key");

    public bool Equals(FoldedName alternate, string other) => Equals(alternate.Key, other);

    public int GetHashCode(FoldedName alternate) => GetHashCode(alternate.Key);

    public string Create(FoldedName alternate) => alternate.Name;
}

/// <summary>A name with its collision key, to add the name to a set of <see cref="FoldedNameComparer"/> without folding it again.</summary>
internal readonly record struct FoldedName(string Name, NamePrefix Key);
