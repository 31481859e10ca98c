import pytest

from engine import BY_NAME, SCHEMA, Settings, find_problems, settings_from_toml, settings_to_toml
from engine.config_file import load_settings, save_settings
from engine.errors import FileProblem, SettingError
from tui.cli.arguments import build_parser


def test_defaults_follow_the_spec():
    s = Settings().resolve()
    assert (s.dataset, s.samples, s.noise, s.factor) == ("circles", 1000, 0.03, 0.8)
    assert s.hidden == [10, 10] and s.batch_size == 0 and s.test_size == 0.2
    assert Settings(dataset="blobs").resolve().classes == 4
    assert Settings(dataset="blobs").resolve().cluster_std == 1.5
    assert Settings(dataset="linear").resolve().samples == 100
    assert Settings(dataset="spiral").resolve().noise == 0.2
    easy = Settings(dataset="easy").resolve()
    assert (easy.samples, easy.seed) == (4000, 2)
    assert Settings(dataset="iris").resolve().classes == 2


def test_one_seed_sets_every_seed_and_each_can_be_overridden():
    s = Settings(seed=7, init_seed=3).resolve()
    assert (s.data_seed, s.init_seed, s.shuffle_seed) == (7, 3, 7)


@pytest.mark.parametrize("name,text,words", [
    ("lr", "0", "above 0"), ("lr", "abc", "is not a number"), ("samples", "5", "from 10"),
    ("hidden", "16,x", "comma-separated"), ("hidden", "0", "from 1"), ("activation", "swish", "one of relu"),
    ("dropout", "1", "below 1"), ("test_size", "0.95", "up to 0.9"), ("batch_size", "-1", "out of range: it takes a whole number from 0"),
    ("nesterov", "maybe", "true or false"), ("optimizer", "lbfgs", "sgd, adam, adamw, rmsprop"),
])
def test_each_setting_refuses_bad_text_naming_itself_and_what_it_accepts(name, text, words):
    with pytest.raises(SettingError) as caught:
        BY_NAME[name].parse(text)
    assert caught.value.subject == name
    assert words in str(caught.value)


def test_hidden_accepts_none_for_no_layers():
    assert BY_NAME["hidden"].parse("none") == []
    assert BY_NAME["hidden"].parse(" 16, 8 ") == [16, 8]


def test_settings_that_conflict_are_each_reported():
    problems = find_problems(Settings(optimizer="adam", momentum=0.9, nesterov=True,
                                      dataset="iris", classes=5, features=["petal_length"]))
    assert {p.subject for p in problems} == {"momentum", "nesterov", "classes", "features"}
    assert find_problems(Settings(dataset="csv"))[0].subject == "csv"


def test_toml_round_trips_exactly():
    s = Settings(dataset="blobs", classes=5, hidden=[], activation="tanh", optimizer="sgd", momentum=0.9,
                 nesterov=True, lr=0.05, epochs=12, schedule="cosine", features=None).resolve()
    assert settings_from_toml(settings_to_toml(s)) == s
    unresolved = Settings(hidden=[3, 4], lr=0.3)
    assert settings_from_toml(settings_to_toml(unresolved)) == unresolved


def test_toml_files_round_trip_and_name_problems(tmp_path):
    path = tmp_path / "run.toml"
    s = Settings(dataset="moons", hidden=[32], lr=0.02).resolve()
    save_settings(s, path)
    assert load_settings(path) == s
    path.write_text("[training]\nlr = -2\n")
    with pytest.raises(FileProblem, match="lr: -2 is out of range"):
        load_settings(path)
    path.write_text("[training]\nlearning_rate = 0.1\n")
    with pytest.raises(FileProblem, match="learning_rate: is not a setting"):
        load_settings(path)
    path.write_text("[data\n")
    with pytest.raises(FileProblem, match="not valid TOML"):
        load_settings(path)
    with pytest.raises(FileProblem, match="no such file"):
        load_settings(tmp_path / "absent.toml")


def test_every_setting_has_a_cli_flag_in_both_commands(capsys):
    for command in ([], ["train"]):
        with pytest.raises(SystemExit):
            build_parser().parse_args([*command, "--help"])
        shown = capsys.readouterr().out
        for s in SCHEMA:
            assert f"{s.flag} " in shown or f"{s.flag}," in shown, (command, s.flag)
