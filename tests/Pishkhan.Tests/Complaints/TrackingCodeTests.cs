using Pishkhan.Complaints;

namespace Pishkhan.Tests.Complaints;

public class TrackingCodeTests
{
    [Fact]
    public void NewCodesAreTwelveCharactersInThreeGroupsFromTheUnambiguousAlphabet()
    {
        for (var i = 0; i < 200; i++)
        {
            var code = TrackingCode.New();
            Assert.Matches("^[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}$", code);
            Assert.True(TrackingCode.TryParse(code, out var parsed));
            Assert.Equal(code, parsed);
        }
    }

    [Fact]
    public void AlphabetHasThirtyTwoCharactersWithoutZeroOhOneOrEye()
    {
        Assert.Equal(32, TrackingCode.Alphabet.Distinct().Count());
        Assert.DoesNotContain('0', TrackingCode.Alphabet);
        Assert.DoesNotContain('O', TrackingCode.Alphabet);
        Assert.DoesNotContain('1', TrackingCode.Alphabet);
        Assert.DoesNotContain('I', TrackingCode.Alphabet);
    }

    [Fact]
    public void TenThousandCodesAreAllDifferent()
    {
        var codes = Enumerable.Range(0, 10_000).Select(_ => TrackingCode.New()).ToHashSet();
        Assert.Equal(10_000, codes.Count);
    }

    [Fact]
    public void CheckCharacterCatchesEverySingleWrongCharacter()
    {
        for (var n = 0; n < 50; n++)
        {
            var compact = TrackingCode.New().Replace("-", "");
            for (var position = 0; position < compact.Length; position++)
                foreach (var c in TrackingCode.Alphabet.Where(c => c != compact[position]))
                {
                    var typo = compact[..position] + c + compact[(position + 1)..];
                    Assert.False(TrackingCode.TryParse(typo, out _), $"{typo} (from {compact}) passed the check");
                }
        }
    }

    [Fact]
    public void CheckCharacterCatchesSwapsOfNeighbours()
    {
        int swaps = 0, caught = 0;
        for (var n = 0; n < 500; n++)
        {
            var compact = TrackingCode.New().Replace("-", "");
            for (var i = 0; i + 1 < compact.Length; i++)
            {
                if (compact[i] == compact[i + 1]) continue;
                swaps++;
                var swapped = compact[..i] + compact[i + 1] + compact[i] + compact[(i + 2)..];
                if (!TrackingCode.TryParse(swapped, out _)) caught++;
            }
        }
        // ISO 7064 hybrid systems catch nearly all of them (measured: 99.8 % of 213,250 swaps; README "Tracking codes").
        Assert.True(caught >= swaps * 0.95, $"caught {caught} of {swaps} swaps");
    }

    [Theory]
    [InlineData(" {0} ")]
    [InlineData("{0}")]
    public void ParsingAcceptsLowerCaseSpacesAndMissingDashes(string template)
    {
        var code = TrackingCode.New();
        var typed = string.Format(template, code.Replace("-", " ").ToLowerInvariant());
        Assert.True(TrackingCode.TryParse(typed, out var parsed));
        Assert.Equal(code, parsed);
    }

    [Fact]
    public void ParsingAcceptsPersianDigits()
    {
        var code = TrackingCode.New();
        var persian = Pishkhan.Text.PersianText.ToPersianDigits(code);
        Assert.True(TrackingCode.TryParse(persian, out var parsed));
        Assert.Equal(code, parsed);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("ABCD-EFGH-JKL")]
    [InlineData("ABCD-EFGH-JKLMN")]
    [InlineData("ABCD-EFGH-JK0M")]
    [InlineData("ABCD-EFGH-JKOM")]
    [InlineData("ABCD-EFGH-JK1M")]
    [InlineData("ABCD-EFGH-JKIM")]
    [InlineData("ABCD'EFGH-JKLM")]
    [InlineData("ABCD-EFGH-JKLM' or PartitionKey ne '")]
    public void ParsingRejectsWhatCannotBeACode(string? input) => Assert.False(TrackingCode.TryParse(input, out _));

    [Fact]
    public void SecretsHaveEightyBitsAndOnlyTheirHashIsCompared()
    {
        var secret = TrackingCode.NewSecret();
        Assert.Matches("^([2-9A-HJ-NP-Z]{4}-){3}[2-9A-HJ-NP-Z]{4}$", secret);
        var hash = TrackingCode.HashSecret(secret);
        Assert.Equal(64, hash.Length);
        Assert.DoesNotContain(secret.Replace("-", ""), hash);
        Assert.True(TrackingCode.SecretMatches(secret.ToLowerInvariant().Replace("-", " "), hash));
        Assert.False(TrackingCode.SecretMatches(TrackingCode.NewSecret(), hash));
        Assert.False(TrackingCode.SecretMatches(null, hash));
    }
}
