using System.Security.Cryptography;

namespace Formats.Naming;

/// <summary>
/// The first <see cref="Length"/> characters of <see cref="Text"/> with their <see cref="PrefixHash"/>, found while
/// walking the text once: a name's folders are looked up without making a string of each, so a name of n characters
/// costs O(n) time and memory however deep it is.
/// </summary>
internal readonly struct NamePrefix(string text, int length, long hash)
{
    public string Text { get; } = text;

    public int Length { get; } = length;

    /// <summary>The <see cref="PrefixHash"/> of the prefix.</summary>
    public long Hash { get; } = hash;

    public ReadOnlySpan<char> Span => Text.AsSpan(0, Length);

    /// <summary>The whole of <paramref name="text"/>.</summary>
    public static NamePrefix Of(string text) => new(text, text.Length, PrefixHash.Of(text));
}

/// <summary>
/// Equality of names and name prefixes by ordinal text, hashed with a polynomial over the characters modulo the prime
/// 2^61 - 1, with a base drawn at random per process (Karp-Rabin): the hash of every prefix comes out of one walk, and a
/// name chosen to collide with another can only be guessed (probability at most its length / 2^61), so crafted names
/// cannot pile into one bucket. The base never reaches an archive's bytes; it only orders hash buckets.
/// </summary>
internal sealed class PrefixHash : IEqualityComparer<string>, IEqualityComparer<NamePrefix>, IAlternateEqualityComparer<NamePrefix, string>
{
    /// <summary>The Mersenne prime 2^61 - 1.</summary>
    private const ulong Modulus = (1UL << 61) - 1;

    private static readonly ulong Base = 0x10000 + (BitConverter.ToUInt64(RandomNumberGenerator.GetBytes(sizeof(ulong))) % (Modulus - 0x10000));

    public static PrefixHash Instance { get; } = new();

    /// <summary>The hash of a text whose hash is <paramref name="hash"/>, extended by <paramref name="c"/>.</summary>
    public static long Step(long hash, char c)
    {
        var product = (UInt128)(ulong)hash * Base + c;
        var folded = (ulong)(product & Modulus) + (ulong)(product >> 61);
        folded = (folded & Modulus) + (folded >> 61);
        return (long)(folded >= Modulus ? folded - Modulus : folded);
    }

    /// <summary>The hash of <paramref name="text"/>.</summary>
    public static long Of(ReadOnlySpan<char> text)
    {
        long hash = 0;
        foreach (var c in text)
        {
            hash = Step(hash, c);
        }

        return hash;
    }

    public bool Equals(string? x, string? y) => string.Equals(x, y, StringComparison.Ordinal);

    public int GetHashCode(string obj) => Bucket(Of(obj));

    public bool Equals(NamePrefix x, NamePrefix y) => x.Length == y.Length && x.Hash == y.Hash && x.Span.SequenceEqual(y.Span);

    public int GetHashCode(NamePrefix obj) => Bucket(obj.Hash);

    public bool Equals(NamePrefix alternate, string other) => alternate.Span.SequenceEqual(other);

    public string Create(NamePrefix alternate) => alternate.Span.ToString();

    public static int Bucket(long hash) => (int)hash ^ (int)(hash >> 32);
}
