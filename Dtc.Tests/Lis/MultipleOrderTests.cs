using Dtc.Lis;
using static Dtc.Tests.Lis.LisTestKit;

namespace Dtc.Tests.Lis;

public class MultipleOrderTests
{
    // With the "|" written before it, this puts the next value in OBR-22 when it follows OBR-7.
    private static readonly string ToObr22 = new('|', 14);

    private static readonly string TwoPanels =
        "MSH|^~\\&|LIS|ACMELAB|DTC|DTC|20261120143012||ORU^R01^ORU_R01|MULTI-1|P|2.5.1\r" +
        "PID|1||PAT-1001^^^DTC^PI||Rivera^Ana||19850214|F\r" +
        "ORC|RE|48219573028|ACC-1\r" +
        $"OBR|1|48219573028|ACC-1|57698-3^Lipid panel^LN|||20261118081500{ToObr22}|20261120143000|||F\r" +
        "NTE|1|L|Fasting sample.\r" +
        "OBX|1|NM|2093-3^Cholesterol^LN||212|mg/dL|<200|H|||F\r" +
        "OBX|2|NM|2571-8^Triglyceride^LN||148|mg/dL|<150|N|||F\r" +
        "ORC|RE||ACC-2\r" +
        $"OBR|2||ACC-2|4548-4^Hemoglobin A1c^LN|||20261118081500{ToObr22}|20261120143100|||P\r" +
        "OBX|1|NM|4548-4^Hemoglobin A1c^LN||6.1|%|4.0-5.6|H|||P\r" +
        "SPM|1|77300166491||BLD^Whole blood^HL70487\r" +
        "OBX|1|NM|9999-9^Specimen volume^LN||2|mL||||F\r";

    private readonly LabMessage _message = Ok(ParseHl7(TwoPanels));

    [Fact]
    public void EachObrGroupBecomesItsOwnReport()
    {
        Assert.Equal(2, _message.Reports.Count);
        Assert.Equal(("ACC-1", "57698-3", LisStatus.Final), (_message.Reports[0].Accession, _message.Reports[0].PanelCode, _message.Reports[0].Status));
        Assert.Equal(("ACC-2", "4548-4", LisStatus.Preliminary), (_message.Reports[1].Accession, _message.Reports[1].PanelCode, _message.Reports[1].Status));
    }

    [Fact]
    public void ObservationsAndNotesStayWithTheirOwnObr()
    {
        Assert.Equal(new[] { "2093-3", "2571-8" }, _message.Reports[0].Observations.Select(o => o.Code));
        Assert.Equal("Fasting sample.", Assert.Single(_message.Reports[0].Notes));
        Assert.Equal("4548-4", Assert.Single(_message.Reports[1].Observations).Code);
        Assert.Empty(_message.Reports[1].Notes);
    }

    [Fact]
    public void NoteAfterTheNextOrcDoesNotAttachToThePreviousReport()
    {
        var message = Ok(ParseHl7(TwoPanels.ReplaceOnce("ORC|RE||ACC-2\r", "ORC|RE||ACC-2\rNTE|1|L|Order comment.\r")));
        Assert.Equal("Fasting sample.", Assert.Single(message.Reports[0].Notes));
    }

    [Fact]
    public void ObxAfterSpmDescribesTheSpecimenAndIsNotAResult() =>
        Assert.DoesNotContain(_message.Reports[1].Observations, o => o.Code == "9999-9");

    [Fact]
    public void BarcodeFallsBackToSpmWhenObrAndOrcLackIt() => Assert.Equal("77300166491", _message.Reports[1].KitBarcode);

    [Fact]
    public void IssuedAtComesFromEachObr22()
    {
        Assert.Equal(At("2026-11-20T14:30:00Z"), _message.Reports[0].IssuedAt);
        Assert.Equal(At("2026-11-20T14:31:00Z"), _message.Reports[1].IssuedAt);
    }

    [Fact]
    public void MissingObr22FallsBackToMessageTime()
    {
        var message = Ok(ParseHl7(TwoPanels.ReplaceOnce("|20261120143100|", "||")));
        Assert.Equal(At("2026-11-20T14:30:12Z"), message.Reports[1].IssuedAt);
    }

    [Fact]
    public void SamePatientRepeatedInASecondPidIsAccepted() =>
        Assert.Equal(2, Ok(ParseHl7(TwoPanels.ReplaceOnce("ORC|RE||ACC-2\r", "PID|2||PAT-1001^^^DTC^PI||Rivera^Ana\rORC|RE||ACC-2\r"))).Reports.Count);

    [Fact]
    public void SecondPatientInOneMessageIsRefused() =>
        Fails(ParseHl7(TwoPanels.ReplaceOnce("ORC|RE||ACC-2\r", "PID|2||PAT-9999^^^DTC^PI||Other^Bob\rORC|RE||ACC-2\r")), LisErrorCodes.MultiplePatients);
}
