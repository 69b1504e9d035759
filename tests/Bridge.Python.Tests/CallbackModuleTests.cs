using Bridge.Testing;

namespace Bridge.Python.Tests;

[Collection(PythonCollection.Name)]
public sealed class CallbackModuleTests
{
    [SkippableFact]
    public void Bridge_callbacks_passes_its_own_python_tests()
    {
        PythonFixture.Require();
        HelperModuleSuite.Passes(atLeast: 1, noneSkipped: true);
    }
}
