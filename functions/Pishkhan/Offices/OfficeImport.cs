using CsvHelper;
using Microsoft.AspNetCore.Http;
using Pishkhan.Auth;
using Pishkhan.Counties;
using Pishkhan.Http;
using Pishkhan.Problems;
using Pishkhan.Storage;

namespace Pishkhan.Offices;

/// <summary>
/// POST /api/offices:import (text/csv, UTF-8, header row, RFC 4180 read by CsvHelper). Each row is validated like
/// PUT /api/offices/{code}; valid rows are applied, invalid ones reported with their line number and field errors.
/// A row whose county lies outside the caller's province, or whose quoting is malformed ("ab"c, ab"c), is an error
/// of that row, not of the whole file. Valid rows are written in entity-group transactions of up to 100 per
/// partition (directory claims, then offices of one province); a transaction that fails (a code another province
/// holds, a concurrent change) writes nothing and its rows are saved one by one, as PUT does.
/// </summary>
public sealed class OfficeImport(PishkhanSettings settings, CountyStore countyStore, OfficeStore officeStore, CodeDirectory codeDirectory, TimeProvider clock)
{
    public static readonly string[] Columns =
        ["officeCode", "name", "countyCode", "address", "managerName", "licenseNo", "phone", "email", "regularHours", "thursdayHours", "afterHours", "status"];

    public const int MaxRows = 5000;
    private const int BatchSize = 100; // an entity-group transaction's limit

    /// <param name="Status">The status the row would have answered as a PUT (400 field errors, 409 a code another province holds
    /// or a concurrent change, …).</param>
    public sealed record RowError(int Line, string? OfficeCode, IDictionary<string, string[]> Errors, int Status = StatusCodes.Status400BadRequest)
    {
        /// <summary>The row's own problem, as PUT would answer it: field errors as they are, any other problem's detail under officeCode.</summary>
        public static RowError From(int line, string officeCode, ApiProblem problem) => new(line, officeCode,
            problem.Errors ?? new Dictionary<string, string[]> { ["officeCode"] = [problem.Detail ?? problem.Message] }, problem.Status);
    }

    public sealed record ImportResult(int Applied, int Failed, IReadOnlyList<string> AppliedOfficeCodes, IReadOnlyList<RowError> Errors);

    private sealed record ValidRow(int Line, OfficeEntity Entity);

    public async Task<IResult> Post(ApiRequest request)
    {
        var text = await request.ReadTextAsync("text/csv", settings.MaxCsvBodyBytes);
        var (header, rows, malformed) = CsvFile.Read(text, MaxRows);
        var unknown = header.Where(h => !Columns.Contains(h)).ToList();
        var missing = new[] { "officeCode", "name", "countyCode", "regularHours" }.Where(c => !header.Contains(c)).ToList();
        if (unknown.Count > 0 || missing.Count > 0 || header.Distinct().Count() != header.Length)
            throw Problem.Field("header", $"Columns: {string.Join(',', Columns)} (required: officeCode,name,countyCode,regularHours). Unknown: {string.Join(',', unknown)}; missing: {string.Join(',', missing)}.");

        var ct = request.CancellationToken;
        var errors = malformed.Select(m => new RowError(m.Line, null, new Dictionary<string, string[]> { ["$"] = [m.Message] })).ToList();
        var valid = new List<ValidRow>();
        var seen = new HashSet<string>();
        var countyCache = new Dictionary<string, CountyEntity?>();
        async Task<CountyEntity?> FindCounty(string code, CancellationToken token)
        {
            if (!countyCache.TryGetValue(code, out var county)) countyCache[code] = county = await countyStore.FindAsync(code, token);
            return county;
        }

        foreach (var (line, cells) in rows)
        {
            string? Cell(string column) { var idx = Array.IndexOf(header, column); return idx >= 0 && idx < cells.Length && cells[idx].Length > 0 ? cells[idx] : null; }

            var fieldErrors = new FieldErrors();
            if (cells.Length != header.Length) fieldErrors.Add("$", $"Expected {header.Length} cells, found {cells.Length}.");
            var code = fieldErrors.Code("officeCode", Cell("officeCode"));
            if (code is not null && !seen.Add(code)) fieldErrors.Add("officeCode", "The code appears twice in the file.");
            var body = new PutOffice(Cell("name")!, Cell("countyCode")!, new OpeningHours(Cell("regularHours")!, Cell("thursdayHours"), Cell("afterHours")),
                Cell("address"), Cell("managerName"), Cell("licenseNo"), Cell("phone"), Cell("email"), Cell("status"));

            CountyEntity? county = null;
            if (Text.Codes.TryNormalize(body.CountyCode, out var countyCode))
            {
                county = await FindCounty(countyCode, ct);
                if (county is not null && !ScopePolicy.Covers(request.Caller, new ResourceScope(county.Province)))
                    fieldErrors.Add("countyCode", "The county is outside your province.");
            }
            OfficeEntity? entity = null;
            if (!fieldErrors.Any)
                entity = await OfficeRules.ValidateAsync(fieldErrors, code!, county?.Province ?? "", body, FindCounty, ct);
            if (fieldErrors.Any || entity is null)
            {
                errors.Add(new RowError(line, code, fieldErrors.ToDictionary()));
                continue;
            }
            valid.Add(new ValidRow(line, entity));
        }

        // Writes: per province, what it holds is read once (two queries), then batches of 100 go out four at a time.
        var applied = new List<(int Line, string Code)>();
        foreach (var province in valid.GroupBy(r => r.Entity.Province))
        {
            var held = await codeDirectory.ListAsync(DirectoryKinds.Office, province.Key, ct);
            var current = await officeStore.ByCodeAsync(province.Key, ct);
            var results = new List<(List<(int, string)> Applied, List<RowError> Errors)>();
            await Parallel.ForEachAsync(province.Chunk(BatchSize), new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = ct }, async (batch, token) =>
            {
                var result = await SaveBatchAsync(batch, province.Key, held, current, codeDirectory, officeStore, clock, token);
                lock (results) results.Add(result);
            });
            foreach (var (a, e) in results) { applied.AddRange(a); errors.AddRange(e); }
        }
        applied.Sort((a, b) => a.Line.CompareTo(b.Line));
        errors.Sort((a, b) => a.Line.CompareTo(b.Line));
        return TypedResults.Ok(new ImportResult(applied.Count, errors.Count, applied.Select(a => a.Code).ToList(), errors));
    }

    private static async Task<(List<(int, string)> Applied, List<RowError> Errors)> SaveBatchAsync(ValidRow[] batch, string province,
        IReadOnlyDictionary<string, DirectoryEntry> held, IReadOnlyDictionary<string, OfficeEntity> current, CodeDirectory directory, OfficeStore offices,
        TimeProvider clock, CancellationToken ct)
    {
        var applied = new List<(int, string)>();
        var errors = new List<RowError>();
        if (await directory.TryClaimManyAsync(DirectoryKinds.Office, province, batch.Select(r => (r.Entity.OfficeCode, (string?)r.Entity.CountyCode)).ToList(), held, ct)
            && await offices.TrySaveManyAsync(batch.Select(r => r.Entity).ToList(), current, clock, ct))
        {
            applied.AddRange(batch.Select(r => (r.Line, r.Entity.OfficeCode)));
            return (applied, errors);
        }
        // The transaction wrote nothing: each row as PUT saves it (claim, then an ETag-checked replace with retries).
        foreach (var (line, entity) in batch)
        {
            try
            {
                await offices.SaveAsync(entity, Precondition.None, clock, ct);
                applied.Add((line, entity.OfficeCode));
            }
            catch (ApiProblem problem)
            {
                errors.Add(RowError.From(line, entity.OfficeCode, problem));
            }
        }
        return (applied, errors);
    }
}

/// <summary>An RFC 4180 file read by CsvHelper: the header, the records with their line numbers, and the malformed records.</summary>
public static class CsvFile
{
    public sealed record Malformed(int Line, string Message);

    /// <summary>
    /// Reads <paramref name="text"/> (comma-separated, header first). Malformed quoting in a record ("ab"c, ab"c) makes
    /// that record a <see cref="Malformed"/> one; an unclosed quote, a malformed header, an empty file or more than
    /// <paramref name="maxRows"/> records are a 400 for the whole file.
    /// </summary>
    public static (string[] Header, List<(int Line, string[] Cells)> Rows, List<Malformed> Malformed) Read(string text, int maxRows)
    {
        var malformed = new List<Malformed>();
        var options = CsvReaderOptions.Default with
        {
            Separator = ',', HasHeader = true, Mode = CsvMode.Rfc4180, TrimWhitespace = false, SkipEmptyLines = true, TrackLineNumbers = true,
            MalformedData = CsvMalformedDataHandling.Skip, FieldCountMismatch = CsvFieldCountHandling.Allow, IncludeValuesInExceptions = false,
            OnMalformedRecord = m =>
            {
                if (m.Reason == CsvMalformedReason.UnterminatedQuote)
                    throw Problem.Field("$", $"A quoted field that starts on line {m.LineNumber} is not closed.");
                if (m.RecordNumber == 1) throw Problem.Field("header", "The header line has malformed quoting.");
                malformed.Add(new Malformed((int)m.LineNumber, m.Reason switch
                {
                    CsvMalformedReason.StrayQuote => "A quote inside an unquoted field: quote the whole field and double the quotes in it.",
                    CsvMalformedReason.TextAfterClosingQuote => "Text after a closing quote: quote the whole field and double the quotes in it.",
                    _ => "The line is not valid CSV.",
                }));
            },
        };
        using var reader = CsvReader.FromText(text, options);
        string[] header;
        try
        {
            header = reader.Headers.Select(h => h.Trim().TrimStart('\uFEFF').Trim()).ToArray();
        }
        catch (CsvFormatException)
        {
            throw Problem.Field("header", "The header line is not valid CSV.");
        }
        if (header.Length == 0 || header.All(h => h.Length == 0)) throw Problem.Field("$", "The file is empty; the first line names the columns.");
        var rows = new List<(int Line, string[] Cells)>();
        try
        {
            while (reader.Read())
            {
                if (rows.Count + malformed.Count >= maxRows) throw Problem.Field("$", $"At most {maxRows} rows per file.");
                rows.Add(((int)reader.LineNumber, reader.Current.ToArray()));
            }
        }
        catch (CsvFormatException)
        {
            throw Problem.Field("$", "The file is not valid CSV.");
        }
        return (header, rows, malformed);
    }
}
