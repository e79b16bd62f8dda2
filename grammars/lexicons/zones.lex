# zones.lex — development-zone aliases: one canonical name per zone.
#
# The zone rule first shortens the regular long forms (…经济技术开发区 → …经开区,
# …经济开发区 → …开发区, …高新技术产业开发区 → …高新区, …现代农业产业示范区 →
# …示范区) and then looks the result up here, so list a zone here only when a
# name does not shorten to its canonical form by those rules. Entry syntax:
#   canonical = alias, alias [place: the place it belongs to]
# Extend freely; `tiqu check` validates the file.

临汾开发区 = 临汾经开区, 临开 [place: 临汾市]
临猗示范区 = 临猗农业示范区 [place: 临猗县]
晋城经开区 = 晋城开发区 [place: 晋城市]
上党经开区 = 上党开发区 [place: 上党区]
高平经开区 = 高平开发区 [place: 高平市]
晋中开发区 = 晋中经开区 [place: 晋中市]
中北高新区 [place: 太原市]
山西转型综合改革示范区 = 山西转型综改示范区, 转型综改示范区, 山西综改示范区, 综改示范区 [place: 山西省]
