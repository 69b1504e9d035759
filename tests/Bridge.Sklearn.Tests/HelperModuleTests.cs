using Bridge.Testing;

namespace Bridge.Sklearn.Tests;

[Collection(PythonCollection.Name)]
public sealed class HelperModuleTests
{
    [SkippableFact]
    public void Bridge_sklearn_passes_its_own_python_tests()
    {
        SklearnUnderTest.Require();
        HelperModuleSuite.Passes(atLeast: 7, noneSkipped: true);
    }
}
