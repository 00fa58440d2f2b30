"""Register lexicon: the user's words find the documents' words, and nothing else."""

from __future__ import annotations

from pathlib import Path

import pytest

from qa.errors import ConfigError
from qa.index.segment import Segmenter
from qa.search.register import Register, RegisterExpander, expansion_text


@pytest.fixture(scope="module")
def expander() -> RegisterExpander:
    return RegisterExpander(Register.load(), Segmenter())


def test_regional_and_everyday_words_get_the_documents_words(expander: RegisterExpander) -> None:
    assert "ngô" in expander.alternatives("sản lượng bắp vụ đông")
    assert "người cao tuổi" in expander.alternatives("chính sách cho người già")
    assert "nhà ở xã hội" in expander.alternatives("xây nhà cho người thu nhập thấp")
    assert "định danh điện tử" in expander.alternatives("cấp bao nhiêu tài khoản VNeID")
    assert "khai khoáng" in expander.alternatives("mấy chỗ đào mỏ làm ra tăng bao nhiêu")
    assert "ngoài công lập" in expander.alternatives("cho trường tư thục vay bao nhiêu")
    assert "rà soát" in expander.alternatives("xã có xét lại danh sách hộ nghèo không")
    assert "đối thoại" in expander.alternatives("tỉnh có ngồi nói chuyện với công ty không")
    assert "thương mại điện tử" in expander.alternatives("bán hàng trên mạng có bị thu thuế")
    assert "diện tích lúa" in expander.alternatives("bao nhiêu ha ruộng được cấy bằng máy")
    assert "nợ đọng xây dựng cơ bản" in expander.alternatives("tỉnh có để nợ nhà thầu không")
    assert "bệnh truyền nhiễm" in expander.alternatives("kế hoạch chống bệnh lây lan năm 2024")
    assert "làng nghề" in expander.alternatives("cơ sở làm nghề truyền thống có được hỗ trợ")
    assert "thu hút" in expander.alternatives("tỉnh làm gì để kéo thêm bác sĩ về")
    assert "trực 24/24" in expander.alternatives("bệnh viện có trực suốt ngày đêm không")


def test_the_words_the_user_typed_are_not_repeated(expander: RegisterExpander) -> None:
    alternatives = expander.alternatives("sản lượng bắp và ngô")
    assert "ngô" not in alternatives and "bắp" not in alternatives


def test_a_member_inside_another_word_does_not_fire(expander: RegisterExpander) -> None:
    # `quả` is a member (fruit), but `kết quả` is "result"
    assert expander.alternatives("kết quả thi đua khen thưởng") == ()


def test_a_member_holding_a_stopword_needs_the_whole_phrase(expander: RegisterExpander) -> None:
    # `làm ăn lại` (to do business again) is `làm_ăn` once `lại` is dropped from its terms:
    # a shop that `làm ăn` (does business) has not reopened
    assert "hoạt động trở lại" not in expander.alternatives("mở thêm chỗ làm ăn như chi nhánh")
    assert "hoạt động trở lại" in expander.alternatives("công ty nghỉ rồi làm ăn lại")


def test_no_alternatives_for_a_plain_administrative_question(expander: RegisterExpander) -> None:
    assert expander.alternatives("GRDP 9 tháng năm 2023 ước đạt bao nhiêu") == ()


def test_a_corpus_extends_the_bundled_groups(tmp_path: Path) -> None:
    (tmp_path / "register.toml").write_text(
        '[register]\nlocal = [["cầu Tân Đệ", "cầu qua sông Hồng"]]\n', "utf-8"
    )
    register = Register.for_corpus(tmp_path)
    assert ("cầu Tân Đệ", "cầu qua sông Hồng") in register.groups
    assert set(Register.load().groups) < set(register.groups)
    assert register.fingerprint != Register.load().fingerprint
    assert Register.from_json(register.to_json()) == register


@pytest.mark.parametrize(
    "text", ["[register\n", '[register]\nlocal = "ngô, bắp"\n', "register = 3\n"]
)
def test_a_broken_register_file_is_a_config_error(tmp_path: Path, text: str) -> None:
    (tmp_path / "register.toml").write_text(text, "utf-8")
    with pytest.raises(ConfigError, match="register"):
        Register.for_corpus(tmp_path)


def test_expansion_text_appends_the_alternatives() -> None:
    assert expansion_text("giá bắp", ("ngô",)) == "giá bắp (ngô)"
    assert expansion_text("giá lúa", ()) == "giá lúa"


def test_counted_register_brings_only_what_the_corpus_uses_more(
    expander: RegisterExpander,
) -> None:
    texts = ["Tổng đàn lợn ước đạt 712,6 nghìn con.", "Hỗ trợ người cao tuổi; sản lượng lúa."]
    counted = Register.load().counted(texts)
    assert counted.counts["lợn"] == 1 and counted.counts["heo"] == 0
    assert counted.fingerprint == Register.load().fingerprint  # counts follow the corpus
    corpus_aware = RegisterExpander(counted, expander.segmenter)
    assert corpus_aware.alternatives("số con heo") == ("lợn",)
    assert corpus_aware.alternatives("tổng đàn lợn") == ()  # the documents' own word
    assert corpus_aware.alternatives("chính sách cho người già") == ("người cao tuổi",)
