"""The hls target from Python: sensitivity for the target, an allocation
under a LUT budget priced by its FPGA model, compile(target="hls") writing
the project with pipeline options (reuse factor) and a testbench, and the
project's C simulation matching the reference executor bit for bit."""

import json
import re
import subprocess

import qopt


def test_hls_project_from_python(tmp_path, cnn, fashion_train, fashion_test):
    m = qopt.load(cnn)
    m.calibrate(fashion_train, num_samples=64, input_mean=0.286, input_std=0.353)
    sens = m.sensitivity(target="hls")
    assert set(sens["/classifier/Gemm"]) == {"si8-ch", "si4-ch", "si2-ch"}
    plan = m.allocate(luts=80000, target_options="reuse=16")
    assert plan.to_dict()["luts"] <= 80000
    out = tmp_path / "cnn_hls"
    written = m.compile(plan, target="hls", out=str(out) + "/", reuse=16,
                        tb_data=fashion_test, tb_samples=200,
                        input_mean=0.286, input_std=0.353)
    assert written == str(out) + "/"
    report = json.loads((out / "report.json").read_text())
    assert report["ReuseFactor"] == 16
    assert abs(report["totals"]["LUT"] - plan.to_dict()["luts"]) < 1e-6
    subprocess.run(["make", "-s", "-C", str(out), "csim"], check=True)
    run = subprocess.run(["./cnn_hls_csim", "tb_data"], cwd=out, check=True,
                         capture_output=True, text=True)
    assert re.search(r"200 samples, 0 mismatches", run.stdout), run.stdout
